/**
 * electron-vite's `?asset` import: the file is copied next to the main bundle and the import is its
 * absolute path at run time (inside app.asar when packaged). Declared here rather than pulling in
 * electron-vite/node, whose ambient types would also retype ImportMeta for every file.
 */
declare module '*.png?asset' {
  const file: string;
  export default file;
}
