/**
 * Image events: typed records of what the runtime did, delivered after the operation.
 *
 * @module
 */

/** The kinds of image events, as libimage names them. */
export type ImageEventType =
  | "pull"
  | "pull-error"
  | "push"
  | "remove"
  | "load"
  | "save"
  | "tag"
  | "untag"
  | "mount"
  | "unmount";

/** One image event. */
export interface ImageEvent {
  /** What happened. */
  type: ImageEventType;
  /** The image ID, when known. */
  id: string;
  /** The name the operation was given (raw input, a path for load/save, or ""). */
  name: string;
  /** When it happened. */
  time: Date;
  /** For `pull-error`: what went wrong. */
  error?: string;
}
