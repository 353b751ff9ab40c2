// Avatars are initials on a colour picked from the id, so a person keeps their colour everywhere.

export const AVATAR_COLOURS = 8;

/** FNV-1a over the id's UTF-16 units, folded to a palette slot. */
export function avatarColour(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % AVATAR_COLOURS;
}

const HAN = /\p{Script=Han}/u;

/** Chinese names show their last two characters (how WeCom abbreviates); others their initials. */
export function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  const chars = [...trimmed];
  if (HAN.test(chars[0]!)) return chars.slice(-2).join('');
  const words = trimmed.split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? words[0]![0]! + words[1]![0]! : chars.slice(0, 2).join('');
  return letters.toUpperCase();
}
