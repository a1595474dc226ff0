// The AT engine's public API (SIM900MAIL.at in a bundle).
export { AtEngine, RESET_LINES } from './engine';
export type { Command, Result, Callback, EngineOptions, SerialLike } from './engine';
export { MAX_LINE, quote, hexQuote, toHex, utf8Encode, intParam, atLine, checkLine, promptText } from './params';
export { mailError, paramError, isMailError } from '../errors';
export type { MailError } from '../errors';
