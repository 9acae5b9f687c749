// GSM 03.38: texts in this alphabet go 160 characters to an SMS (153 per
// part when split); one character outside it (ê, ô, an emoji) turns the
// whole SMS into UCS-2, 70 (67) per part. Belgian French meets this often.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('^{}\\[~]|€\f');

/** How many characters an SMS text counts and how many SMS parts it costs. */
export function smsParts(text: string): { characters: number; parts: number; unicode: boolean } {
  let gsmLength = 0;
  for (const char of text) {
    if (gsmBasic.has(char)) gsmLength += 1;
    else if (gsmExtension.has(char)) gsmLength += 2;
    else {
      const units = text.length; // UTF-16 code units, as UCS-2 counts them
      return { characters: units, parts: units <= 70 ? 1 : Math.ceil(units / 67), unicode: true };
    }
  }
  return { characters: gsmLength, parts: gsmLength <= 160 ? 1 : Math.ceil(gsmLength / 153), unicode: false };
}

/** The longest SMS text staff may write (a message text, the rejection dialog): four parts. */
export const smsMaxLength = 640;
