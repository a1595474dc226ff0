export { connect, Mailer } from './mailer';
export { Sim900Mail, BEARER_STATUS, type MailOptions, type Callback, type Limits } from './client';
export { storageReader, type Mail, type Attachment, type ChunkReader, type SendResult } from './smtp';
export { DotDecoder } from './dot';
export { SMTP_CODES, POP3_CODES, smtpError, pop3Error } from './codes';
