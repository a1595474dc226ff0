// The SIM900 emulator (Node only): see README.md in this folder.
export { Sim900Emulator, createEmulatorStream } from './sim900';
export type { SentRecord } from './sim900';
export { defaultOptions, resolveOptions, DEFAULT_MAXIMA, DEFAULT_FAULTS } from './options';
export type { EmulatorOptions, PartialOptions, Maxima, Faults, Range } from './options';
export { composeMessage } from './compose';
