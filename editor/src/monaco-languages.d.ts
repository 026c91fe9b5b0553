// Monaco's YAML grammar module ships without its own declaration.
declare module 'monaco-esm/languages/definitions/yaml/yaml.js' {
  export const conf: unknown;
  export const language: unknown;
}
