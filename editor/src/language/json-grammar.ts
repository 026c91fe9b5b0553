// JSON (and NDJSON, one JSON value a line) highlighting for claims files: keys, strings, numbers,
// literals and punctuation, and what is not JSON marked as such (YAML's grammar, used before,
// accepted unquoted words and comments that JSON does not). A Monarch grammar rather than
// Monaco's JSON language service: that brings its own worker and schema machinery, and the
// studio's completion and diagnostics for claims come from the claim schema in the analysis worker.
import type * as Monaco from '../monaco.ts';

export const jsonConf: Monaco.languages.LanguageConfiguration = {
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}', notIn: ['string'] },
    { open: '[', close: ']', notIn: ['string'] },
    { open: '"', close: '"', notIn: ['string'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"' },
  ],
};

export const jsonLanguage: Monaco.languages.IMonarchLanguage = {
  defaultToken: 'invalid',
  tokenPostfix: '.json',
  tokenizer: {
    root: [
      [/[ \t\r\n]+/, ''],
      // A string followed by a colon is a key. The token names are Monaco's own for JSON
      // (string.key.json, string.value.json), which its light and dark themes color apart.
      [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'string.key'],
      [/"(?:[^"\\]|\\.)*"/, 'string.value'],
      [/"(?:[^"\\]|\\.)*$/, 'string.invalid'],
      [/-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/, 'number'],
      [/(?:true|false|null)(?![\w$])/, 'keyword'],
      [/[{}[\]]/, '@brackets'],
      [/[,:]/, 'delimiter'],
    ],
  },
};
