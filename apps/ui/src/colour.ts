/**
 * One colour per digest, computed from the digest alone: the same image has
 * the same colour in every lane and on every page, so aliases line up.
 */
export function digestColour(digest: string): string {
  const hex = digest.split(':')[1] ?? digest;
  const byte = (i: number) => parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0;
  const hue = Math.round(((byte(0) * 256 + byte(1)) / 65536) * 360);
  // Dark enough for the white marker outlines and a 3:1 contrast against the page.
  return `hsl(${hue} ${50 + (byte(2) % 30)}% ${32 + (byte(3) % 16)}%)`;
}
