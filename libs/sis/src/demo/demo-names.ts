/**
 * Names for the demo SIS: mostly common ones, with the characters a real registrar's data has
 * (accents, apostrophes, hyphens, CJK, Greek, Cyrillic, Vietnamese) so every layer is exercised.
 */
// prettier-ignore
export const GIVEN_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Linda', 'William', 'Elizabeth',
  'Maria', 'Daniel', 'Sarah', 'Ahmed', 'Fatima', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Olivia',
  'Liam', 'Noah', 'Emma', 'Ava', 'Sophia', 'Isabella', 'Lucas', 'Mateo', 'Chloé', 'Zoë',
  'José', 'Inés', 'François', 'Anaïs', 'Björn', 'Søren', 'Łukasz', 'Małgorzata', 'Dvořák', 'Aoife',
  'Siobhán', 'Seán', 'Anne-Marie', 'Jean-Luc', 'D\'Andre', 'Ta\'Nehisi', 'Nuñez', 'Çağla', 'Ümit', 'Kévin',
  '美咲', '陽翔', '結衣', '翔太', '伟', '芳', '민준', '서연', 'Αθηνά', 'Дмитрий',
  'Thảo', 'Nguyệt', 'Oluwaseun', 'Chidi', 'Aarav', 'Priya', 'Zaïd', 'Léa', 'Renée', 'Ève',
] as const;

// prettier-ignore
export const FAMILY_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernández', 'López', 'González', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Lee',
  'O\'Brien', 'O\'Connor', 'D\'Angelo', 'McAllister', 'Van der Berg', 'de la Cruz', 'Smith-Jones', 'Müller', 'Schröder', 'Øvergård',
  'Kowalczyk', 'Wiśniewski', 'Dvořáková', 'Núñez', 'Peña', 'Gonçalves', 'Åström', 'Ibáñez', 'Okafor', 'Adeyemi',
  '山田', '佐藤', '鈴木', '王', '李', '张', '김', '이', 'Παπαδόπουλος', 'Иванова',
  'Nguyễn', 'Trần', 'Phạm', 'Patel', 'Singh', 'Khan', 'Haddad', 'Cohen', 'Al-Sayed', 'N\'Diaye',
] as const;

export const MIDDLE_NAMES = [
  'Ann',
  'Lee',
  'Marie',
  'James',
  'José',
  'Grace',
  'Ray',
  'Élise',
  'K.',
  'Quinn',
] as const;

/** ASCII letters of a name for a made-up email address; empty for names with none (CJK...). */
export function asciiLetters(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
