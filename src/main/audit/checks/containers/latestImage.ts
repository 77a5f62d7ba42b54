import { defineCheck } from '../types';
import { containerResource, eachContainer, stateText } from './eachContainer';

/** How an image reference is pinned: digest, tag, `latest` (explicit or implied), or a bare image ID. */
export function imagePinning(ref: string): { kind: 'digest' | 'tag' | 'latest' | 'id'; tag: string } {
  const r = ref.trim();
  if (/^sha256:[0-9a-f]{12,64}$/.test(r) || /^[0-9a-f]{12,64}$/.test(r)) return { kind: 'id', tag: '' };
  if (/@sha256:[0-9a-f]{64}$/.test(r)) return { kind: 'digest', tag: '' };
  const lastSlash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  const tag = colon > lastSlash ? r.slice(colon + 1) : '';
  if (tag === '' || tag === 'latest') return { kind: 'latest', tag: tag || '(none)' };
  return { kind: 'tag', tag };
}

export default defineCheck({
  id: 'DOCKER-IMAGE-LATEST',
  title: 'Container runs a :latest or untagged image',
  category: 'containers',
  severity: 'medium',
  references: ['https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0006', 'https://docs.docker.com/reference/cli/docker/image/tag/'],
  rationale:
    "`:latest` (or no tag) says nothing about what runs: a restart or a pull can silently change the software, rollbacks are guesswork, and vulnerability reports cannot be matched to a version. (Dockle DKL-DI-0006)",
  remediation: 'Pin every image to a version tag (e.g. `postgres:17.2-alpine`), or better to a digest (`image@sha256:…`), and update it deliberately.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const p = imagePinning(c.image);
      if (p.kind === 'digest' || p.kind === 'tag') return null;
      const evidence =
        p.kind === 'id'
          ? `created from an image ID without a tag (${c.image.slice(0, 19)}…; ${stateText(c)})`
          : `image ${c.image} (${p.tag === '(none)' ? 'no tag: implies latest' : 'tag latest'}; ${stateText(c)})`;
      return { severity: 'medium', resource: containerResource(c), evidence };
    }),
});
