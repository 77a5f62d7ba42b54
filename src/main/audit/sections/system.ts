// Collector sections for the system facts. Each spec: shell (read-only, time-bounded) + pure parser.
// Add facts to HostFacts here by module augmentation:
//   declare module '../facts' { interface HostFacts { example: Section<ExampleFacts> } }
import type { SectionName } from '../facts';
import type { SectionSpec } from './types';

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [];
