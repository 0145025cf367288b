/**
 * The meriMeet signaling protocol: the one source of truth for what crosses
 * the wire, imported by the server and by every client. Environment-free:
 * no Node, DOM or Electron APIs here (lint and a type-check enforce it).
 */
export * from './limits.js';
export * from './errors.js';
export * from './fields.js';
export * from './sfu-fields.js';
export * from './client-messages.js';
export * from './server-messages.js';
export * from './codec.js';
