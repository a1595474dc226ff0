// The library without the MIME reader: what every board bundle holds.
export const VERSION = '0.1.0';
export * from './mail';
export * as at from './at/index';
export { mailError, isMailError, type MailError } from './errors';
export { Alerts, start as startAlerts, isPermanent, type AlertsOptions } from './app/alerts';
export { Outbox, type Alert } from './app/outbox';
export { Modem } from './app/modem';
export { Inbox, type InboxOptions, type InboxMessage } from './app/inbox';
export { startApp } from './app/example';
