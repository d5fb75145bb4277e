/** Where --send hands each message: an SMTP server (transport.ts) or a folder of .eml files (mail-dir.ts). */
export interface Mailer {
  /** Sends the message; `label` names it where it is kept as a file (the link's id, the time of sending). */
  send(message: { from: string; to: string; subject: string; text: string; html: string }, label: { id: number; at: Date }): Promise<void>;
  close(): void;
  /** The folder the messages are written to, for a mailer of .eml files. */
  dir?: string;
  /** The folder, when opening the mailer created it. */
  createdDir?: string;
}
