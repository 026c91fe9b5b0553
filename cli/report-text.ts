// The text renderer moved to writers/text.ts (with the CSV, summary and HTML writers); this name
// stays for code that imported it here.
export { renderText } from '../writers/text.ts';
