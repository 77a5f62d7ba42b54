// v15: per seed mailbox, the authserv-ids whose Authentication-Results the probe trusts (the
// receiver's own, e.g. mx.google.com). Empty: the topmost header's id (src/main/probe/message.ts).
export const sql = `
ALTER TABLE probe_seeds ADD COLUMN authserv_ids_json TEXT NOT NULL DEFAULT '[]';
`;
