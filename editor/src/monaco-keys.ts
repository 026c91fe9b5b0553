// Monaco's key codes for the studio's shortcuts, as the numbers Monaco's public API gives them
// (KeyMod and KeyCode in editor.api), so the command table does not pull Monaco into the first
// load; test/editor-data-files.test.ts checks them against Monaco's own enums.
export const KeyMod = { CtrlCmd: 2048, Shift: 1024, Alt: 512, WinCtrl: 256 } as const;
export const KeyCode = { Enter: 3, KeyB: 32, KeyK: 41, KeyN: 44, KeyR: 48, KeyS: 49, KeyT: 50 } as const;
