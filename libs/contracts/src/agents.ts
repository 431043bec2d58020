import type { Platform } from './brief';

/** The three artifact-producing agents. */
export const ARTIFACT_TYPES = ['copy', 'shortCopy', 'visualConcept'] as const;

/** An artifact kind; also the name of the agent that produces it. */
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

/** Every agent of a run: the three generators and the audit. */
export type AgentType = ArtifactType | 'audit';

/** Long-form copy: headlines, body copy at three lengths, calls to action. */
export interface CopyOutput {
  /** At least 3 headlines, about 50–60 characters each. */
  headlines: string[];
  /** Body copy at three lengths: short 50–100 words, medium 100–200, long 200–400. */
  bodyCopy: { short: string; medium: string; long: string };
  /** At least 3 calls to action. */
  ctas: string[];
  /** How the tone guidelines were applied. */
  toneNotes: string;
}

/** One candidate post for a platform. */
export interface ShortCopyVariant {
  /** The post text, never truncated. */
  text: string;
  /** Length of `text` in characters. */
  characterCount: number;
  /** True when `text` is longer than the platform's limit. */
  overLimit: boolean;
  /** Hashtags, each starting with `#`. */
  hashtags: string[];
}

/** Posts for one platform. */
export interface ShortCopyPlatformPosts {
  /** The platform these variants are written for. */
  platform: Platform;
  /** At least 3 variants. */
  variants: ShortCopyVariant[];
}

/** Short social copy: one entry per selected platform. */
export interface ShortCopyOutput {
  /** One entry per selected platform, in the order they were selected. */
  platforms: ShortCopyPlatformPosts[];
}

/** Where the parts of the poster go. */
export interface PosterLayout {
  headlineZone: string;
  focalArea: string;
  ctaPlacement: string;
}

/** One poster concept, described in text (no image is generated). */
export interface VisualConcept {
  name: string;
  description: string;
  mood: string[];
  /** Hex colours `#RRGGBB`; reuses the brand palette where one is given. */
  palette: string[];
  layout: PosterLayout;
  /** Required: states the subject, the purpose and the mood. */
  altText: string;
}

/** Visual poster concepts. */
export interface VisualConceptOutput {
  /** At least 2 concepts. */
  concepts: VisualConcept[];
}

/** The output of each artifact agent, keyed by artifact type. */
export interface ArtifactContentMap {
  copy: CopyOutput;
  shortCopy: ShortCopyOutput;
  visualConcept: VisualConceptOutput;
}
