// The streaming MIME reader: see reader.ts for the design, header.ts for header field decoding.
// (Written small for a Storage module: no tables or objects built at load, few functions, and locals declared
// with var, which the pretokeniser stores in one byte where it keeps let, esbuild's output for let and const, as
// three.)
export { MimeReader } from './reader';
export type { MimeReaderOptions, MimeHeaders, MimeTextPart, MimeAttachmentInfo, MimeAttachmentEnd } from './reader';
export type { MimeAddress } from './header';
export { decodeWords, parseAddresses, parseStructured, safeFileName } from './header';
export { decodeCharset, decodeUtf8, WIDE_STRINGS } from './charset';
