/** oslo.config INI text from sections of key/value pairs (an empty string is a deliberately empty option). */
export type IniSections = Record<string, Record<string, string | number | boolean>>;

export function renderIni(sections: IniSections): string {
  return Object.entries(sections)
    .map(([section, options]) =>
      [`[${section}]`, ...Object.entries(options).map(([key, value]) => `${key} = ${String(value)}`)].join(
        '\n',
      ),
    )
    .join('\n\n')
    .concat('\n');
}
