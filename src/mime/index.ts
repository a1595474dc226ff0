// The streaming MIME reader: see reader.ts for the design, header.ts for header field decoding.
export { MimeReader } from './reader';
export type { MimeReaderOptions, MimeHeaders, MimeTextPart, MimeAttachmentInfo, MimeAttachmentEnd } from './reader';
export type { MimeAddress } from './header';
export { decodeWords, parseAddresses, parseStructured, safeFileName } from './header';
export { decodeCharset, decodeUtf8, WIDE_STRINGS } from './charset';
