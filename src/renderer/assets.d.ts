/** Vite's `?url` imports (vite.config.ts): the file is emitted into the build as it is, and this is its URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
