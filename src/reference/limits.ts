/**
 * The length limits of the reference grammar.
 *
 * @module
 */

/** The longest a repository name (`domain/path`) may be. */
export const NAME_TOTAL_LENGTH_MAX = 255;
/** The longest a tag may be. */
export const TAG_LENGTH_MAX = 128;
