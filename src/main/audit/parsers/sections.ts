// The collector's output is one stream cut into sections by a per-run random marker, so no
// remote content can forge a section boundary.

export interface RawSection {
  name: string;
  body: string;
  exitCode: number | null;
}

export const MAX_SECTION_BYTES = 4 * 1024 * 1024;

export function parseSections(stdout: string, marker: string): Map<string, RawSection> {
  const out = new Map<string, RawSection>();
  const begin = `${marker} BEGIN `;
  const end = `${marker} END `;
  let current: { name: string; lines: string[]; size: number } | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(begin)) {
      // An open section cut off by the next BEGIN (a lane that dropped, followed by another lane's
      // output) is kept as truncated, like one cut off at the end.
      if (current && !out.has(current.name)) out.set(current.name, { name: current.name, body: current.lines.join('\n'), exitCode: null });
      current = { name: line.slice(begin.length).trim(), lines: [], size: 0 };
      continue;
    }
    if (line.startsWith(end) && current) {
      const [name, code] = line.slice(end.length).trim().split(/\s+/);
      // A name seen twice keeps its first section: a walk group that timed out prints an empty
      // section with the timeout's status for each of its walks, also those that had finished.
      if (name === current.name && !out.has(name)) {
        // The END marker is printed after a newline of its own; drop that one empty line.
        if (current.lines.length && current.lines[current.lines.length - 1] === '') current.lines.pop();
        const n = Number(code);
        out.set(current.name, { name: current.name, body: current.lines.join('\n'), exitCode: Number.isInteger(n) ? n : null });
      }
      current = null;
      continue;
    }
    if (current && current.size < MAX_SECTION_BYTES) {
      current.lines.push(line);
      current.size += line.length + 1;
    }
  }
  // A section that began but never ended (connection dropped, output cut) is kept as truncated.
  if (current && !out.has(current.name)) out.set(current.name, { name: current.name, body: current.lines.join('\n'), exitCode: null });
  return out;
}
