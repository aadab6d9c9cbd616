/**
 * @module policy/claims
 * What a model card says about the model's origin in prose: "trained from scratch", "not based on
 * any other model". A claim, never evidence: findings set it against the weights.
 */

const INDEPENDENT = [
  /\b(?:trained|built|pre-?trained|developed)\s+(?:entirely\s+|completely\s+|fully\s+|purely\s+)?from\s+(?:the\s+ground\s+up|scratch)\b/i,
  /\bnot\s+(?:based|built|derived)\s+(?:on|from)\s+any\s+(?:other|existing|third[- ]party)\s+models?\b/i,
  /\b(?:no|without\s+any)\s+(?:base|pre-?trained)\s+model\b/i,
];

/** Does the card text claim the model was trained independently of any other model? */
export function claimsIndependentTraining(cardText: string | undefined): boolean {
  if (!cardText) return false;
  return INDEPENDENT.some((re) => re.test(cardText));
}
