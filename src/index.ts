// The library as a board sees it: everything exported here is SIM900MAIL.<name> in a bundle.
export const VERSION = '0.1.0';
export * as mime from './mime';
