/**
 * Finds the first syntax problem in a JSON text, and duplicate keys, with the
 * offset where it is. `JSON.parse` (V8 in Node 20) often names no position at
 * all, and silently keeps the last of two equal keys — which makes a hand-edited
 * campaign file ambiguous.
 */
export function findJsonProblem(s: string): { at: number; problem: string } | null {
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new JsonProblem(at, problem);
  };
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const unexpected = () => fail(i >= s.length ? 'the file ends too early' : `unexpected ${JSON.stringify(s[i])}`);
  const string = (): string => {
    const start = ++i;
    for (;;) {
      if (i >= s.length) fail('a string is never closed', start - 1);
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('a line break or control character inside a string (write it as \\n)');
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('\\u must be followed by 4 hex digits');
          i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) fail(`unknown escape \\${e ?? ''}`);
        i += 2;
        continue;
      }
      i++;
    }
    i++;
    return JSON.parse(s.slice(start - 1, i)) as string;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') return void i++;
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (s[i] !== '"') fail(i >= s.length ? 'the file ends too early' : 'expected a property name in double quotes');
        const at = i;
        const key = string();
        if (keys.has(key)) fail(`the key ${JSON.stringify(key)} appears twice in the same object`, at);
        keys.add(key);
        ws();
        if (s[i] !== ':') fail('expected ":" after the property name');
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') return void i++;
        fail(i >= s.length ? 'the file ends too early' : 'expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') return void i++;
        fail(i >= s.length ? 'the file ends too early' : 'expected "," or "]"');
      }
    }
    if (c === '"') return void string();
    for (const word of ['true', 'false', 'null']) if (s.startsWith(word, i)) return void (i += word.length);
    NUMBER.lastIndex = i;
    if (NUMBER.test(s)) return void (i = NUMBER.lastIndex);
    unexpected();
  };
  try {
    value();
    ws();
    if (i < s.length) fail('unexpected text after the end of the JSON value');
    return null;
  } catch (e) {
    if (e instanceof JsonProblem) return { at: e.at, problem: e.message };
    throw e;
  }
}

class JsonProblem extends Error {
  constructor(
    readonly at: number,
    problem: string,
  ) {
    super(problem);
  }
}

/** 1-based line and column of an offset, as editors count them. */
export function lineAndColumn(s: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at && k < s.length; k++) {
    if (s[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}
