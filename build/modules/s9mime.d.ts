// Declarations of the Espruino module "s9mime" for board code written in TypeScript, generated from src/mime/index.ts by host/module-types.ts.
declare module "s9mime" {
    export interface MimeReader {
        /** every flag raised while reading */
        flags: string[];
        /** Feeds the next piece of the raw message (a binary string: one char per byte). */
        write(chunk: string): void;
        /** Ends the message: flushes what is held, closes every open part and calls onEnd. */
        end(): void;
    }
    /**
     * The reader: a constructor whose methods are closures over its state, which is smaller code than a class, and on
     * Espruino takes RAM for them only while a reader exists (not from the module's load). The input not read yet is
     * in buf_, the open multiparts (innermost last) in stack_.
     */
    export const MimeReader: new (opts: MimeReaderOptions) => MimeReader;

    export interface MimeReaderOptions {
        /** bytes of decoded text kept per text part (default 4096) */
        maxText?: number;
        /** deepest multipart nesting followed (default 10); deeper parts are skipped with the flag "depth-limit" */
        maxDepth?: number;
        /** bytes kept per header field (default 2048); the rest is dropped with the flag "header-truncated" */
        maxHeader?: number;
        onHeaders?: (h: MimeHeaders) => void;
        onText?: (t: MimeTextPart) => void;
        onAttachmentStart?: (a: MimeAttachmentInfo) => void;
        onAttachmentData?: (chunk: string) => void;
        onAttachmentEnd?: (e: MimeAttachmentEnd) => void;
        /** called once by end() with every flag raised while reading */
        onEnd?: (flags: string[]) => void;
    }

    export interface MimeHeaders {
        subject: string;
        from: MimeAddress[];
        to: MimeAddress[];
        cc: MimeAddress[];
        replyTo: MimeAddress[];
        /** the Date header as written */
        date: string;
        /** the Message-ID without angle brackets */
        messageId: string;
        /** flags raised while decoding these headers */
        flags: string[];
        /** "" for the message itself; for a message carried inline in it (message/rfc822), that part's number */
        partPath: string;
        /** 0 for the message itself, more for a message inside it */
        depth: number;
    }

    export interface MimeTextPart {
        /** "text/plain", "text/html", "message/delivery-status" */
        type: string;
        /** the charset label of the part ("" if none) */
        charset: string;
        /** the decoded text, line ends normalised to "\n" */
        text: string;
        /** true when the part was longer than maxText bytes and text holds its start only */
        truncated: boolean;
        /** decoded size in bytes of the whole part */
        size: number;
        /** IMAP-style part number ("1", "2.1") */
        partPath: string;
        /** true when the part is one of the versions of a multipart/alternative */
        alternative: boolean;
        /** nesting depth: 0 for a message that is a single part, 1 for a part of the top multipart, ... */
        depth: number;
        /** flags of this part (e.g. "charset-raw:koi8-r" when the text holds raw bytes) */
        flags: string[];
    }

    export interface MimeAttachmentInfo {
        /** a file name safe for a board's file system (see safeFileName), "" when the mail gives none */
        name: string;
        /** the decoded name as the mail gives it (for display only, never for a path) */
        rawName: string;
        type: string;
        /** "attachment" or "inline" */
        disposition: string;
        partPath: string;
        contentId: string;
        charset: string;
    }

    export interface MimeAttachmentEnd {
        /** decoded size in bytes */
        size: number;
        flags: string[];
    }

    export interface MimeAddress {
        name: string;
        address: string;
    }

    /**
     * RFC 2047: decodes the encoded words (=?charset?B|Q?text?=) of a header value. White space between two
     * encoded words is dropped; adjacent words in the same charset are joined as bytes before decoding, so a
     * UTF-8 character split across two words survives. Text outside encoded words is read as UTF-8 (raw 8-bit
     * headers are common), or as Windows-1252 when it is not UTF-8 (decodeRaw). Charsets the reader does not decode
     * (decodeCharset) stay raw with a flag.
     */
    export function decodeWords(s: string, flags: string[] | null): string;

    /**
     * Parses an address list ("A <a@x>, \"B, Jr.\" <b@y> (work), c@z, Group: d@w, e@v;") into {name, address}.
     * Quoted strings and comments may hold commas; group names are dropped and their members kept (best effort).
     * A comment serves as the name of a bare address. Names are RFC 2047-decoded after the split.
     */
    export function parseAddresses(s: string, flags: string[] | null): MimeAddress[];

    /**
     * Parses "type/subtype; a=b; name*0*=utf-8''%E2%82%AC; name*1=.txt" into value + params. RFC 2231 pieces
     * (name*N, name*N*, name*) are put in order and joined; the first piece of an encoded value carries
     * charset'language'. Plain values may hold RFC 2047 words (common in file names) and are decoded too.
     */
    export function parseStructured(s: string, flags: string[] | null): Structured;

    /**
     * A file name from a mail made safe for a board's file system. Attachments are written with names taken
     * from the mail (e.g. require("Storage").write(name, ...)), so a hostile name must not reach another
     * folder or a special file: only the part after the last '/' or '\' is kept (so "../../x", "/etc/x" and
     * "C:\\x\\..\\y" lose every directory part), control characters and : * ? " < > | become '_', leading dots
     * and spaces are removed (no ".", ".." or hidden names), and the name is cut to 120 characters keeping
     * its extension. May return "" (the caller then names the part itself).
     */
    export function safeFileName(raw: string): string;

    /**
     * Decodes bytes in a charset: UTF-8, ISO-8859-1, Windows-1252, or a single-byte charset whose table is in the
     * Storage file "s9cs" (KOI8-R/U, Windows-1250..1258, ISO-8859-2..16, ...: see host/charset-tables.ts). US-ASCII is
     * read as UTF-8, as mail clients do with stray 8-bit bytes, and so is a missing charset (decodeUtf8 is this function). Another charset (the multi-byte ones: GB2312, Big5,
     * Shift_JIS, EUC-KR, ISO-2022-JP, ...), or a table charset on a board without "s9cs", gives null, or, when flags (a
     * list or null) are given, the bytes kept raw and the flag "charset-raw:<charset>". Ill-formed UTF-8 gives U+FFFD
     * per maximal ill-formed subpart, the same replacement rule as the WHATWG decoder (so results agree with Node's
     * Buffer.toString()).
     */
    export function decodeCharset(s: string): string;
    export function decodeCharset(s: string, cs: string | undefined): string | null;
    export function decodeCharset(s: string, cs: string, flags: string[] | null): string;

    /**
     * True when this interpreter's strings hold characters above 255. Espruino builds without Unicode support
     * keep only the low byte of String.fromCharCode(0x20ac); there the reader gives text as UTF-8 bytes (one
     * char per byte: what E.decodeUTF8, a UTF-8 terminal or a file expect) instead of losing the characters.
     */
    export const WIDE_STRINGS: boolean;

    export interface Structured {
        /** the value before the first ';', lower-cased and trimmed ("text/plain") */
        value: string;
        /** parameters by lower-cased name, values decoded to JS strings */
        params: {
            [name: string]: string;
        };
    }

    export { decodeCharset as decodeUtf8 };
}

declare function require(moduleName: "s9mime"): typeof import("s9mime");
