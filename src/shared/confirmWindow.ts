// The dead-man window of the lockout guard (access fixes: sshd, firewall, sudoers), in seconds:
// the host puts the change back by itself after this long unless a new SSH connection proved
// access first. At least 30 s: the proof alone may take up to 15 s. Plain data without zod, so
// the renderer can import it (zod's eval probe would trip the window's CSP).
export const CONFIRM_WINDOW_S = { default: 120, min: 30, max: 3600 } as const;
