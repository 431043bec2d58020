/** Social platforms the short-copy agent writes for. */
export const PLATFORMS = ['x', 'threads', 'instagram', 'linkedin', 'facebook'] as const;

/** A social platform identifier, as it travels on the wire. */
export type Platform = (typeof PLATFORMS)[number];

/** Default post length limits per platform, in characters (configurable on the server). */
export const DEFAULT_PLATFORM_LIMITS: Readonly<Record<Platform, number>> = {
  x: 280,
  threads: 500,
  instagram: 2200,
  linkedin: 3000,
  facebook: 63206,
};

/** How the three generators are scheduled within a run. */
export const EXECUTION_MODES = ['parallel', 'sequential'] as const;

/** `parallel` (default): generators fan out together; `sequential`: each generator, then its audit. */
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** Audience rating a campaign's content must respect. */
export const CONTENT_RATINGS = ['general', 'teen', 'mature'] as const;

/** Content rating of a campaign. */
export type ContentRating = (typeof CONTENT_RATINGS)[number];

/** Optional rules every generated artifact must follow. */
export interface BriefConstraints {
  /** Lower bound on the long body copy's word count. */
  minWordCount?: number;
  /** Upper bound on the long body copy's word count (>= minWordCount). */
  maxWordCount?: number;
  /** Words or phrases the long-form copy and every social post must contain (case-insensitive). */
  requiredKeywords?: string[];
  /** Words or phrases no artifact may contain (case-insensitive). */
  restrictedKeywords?: string[];
  /** Audience rating the content must respect. */
  contentRating?: ContentRating;
}

/** What the marketer asks for: the input every agent works from. */
export interface CampaignBrief {
  /** What the campaign must achieve (1–500 chars). */
  objective: string;
  /** Who it speaks to (1–500 chars). */
  targetAudience: string;
  /** What is being promoted (1–4,000 chars). */
  productDetails: string;
  /** Tone words the copy should follow, e.g. "playful", "confident". */
  toneGuidelines?: string[];
  /** Brand colours as `#RRGGBB`. */
  brandPalette?: string[];
  /** Keyword, length and rating rules. */
  constraints?: BriefConstraints;
}
