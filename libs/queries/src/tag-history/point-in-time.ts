/** A moment in a tag's past: a wall-clock time, or a global log position. */
export type PointInTime = { time: Date } | { position: number };
