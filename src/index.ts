// The library as a board sees it: everything exported here is SIM900MAIL.<name> in a bundle
// (boards whose file says mime: false leave the MIME reader out).
export * from './core';
export * as mime from './mime';
