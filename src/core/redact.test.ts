import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.js";

const secret = "sk-test-ABCDEFGHIJKLMNOP0123456789";

describe("redactSecrets", () => {
  it("replaces the secret and anything shaped like an OpenAI key", () => {
    expect(redactSecrets(`Bearer ${secret} refused`, [secret])).toBe("Bearer *** refused");
    expect(redactSecrets("token sk-otherKEY12345678 seen", [])).toBe("token sk-*** seen");
  });

  it("hides the trimmed form of a key given with surrounding whitespace (what the HTTP client sends)", () => {
    expect(redactSecrets("Bearer plainsecret99 refused", ["plainsecret99\r\n"])).toBe("Bearer *** refused");
    expect(redactSecrets("Bearer plainsecret99 refused", [" plainsecret99 "])).toBe("Bearer *** refused");
  });

  it("hides the pieces of the key a server echoes around a mask (its first and last characters)", () => {
    for (const echoed of [
      `Incorrect API key provided: sk-test-****************************6789. You can find your key at …`,
      `Incorrect API key provided: "sk-test-AB****6789"`,
      `key sk-tes...6789 was rejected`,
      `key ABCD…6789 was rejected`,
      `key ••••••••6789, invalid`,
      `key sk-test-ABCDEFG***, invalid`,
    ]) {
      const out = redactSecrets(echoed, [secret]);
      expect(out, echoed).not.toContain("6789");
      expect(out, echoed).not.toContain("sk-tes");
      expect(out, echoed).not.toContain("ABCD");
      expect(out, echoed).toContain("***");
    }
  });

  it("leaves ordinary ellipses, masks and short fragments alone", () => {
    for (const text of ["loading... done", "3 of 7 … and 4 more", "password: ******** (not shown)", "sk-1234 is not a key"])
      expect(redactSecrets(text, [secret])).toBe(text);
  });

  it("hides a key of one to three characters wherever it stands alone, and leaves words that merely hold it", () => {
    expect(redactSecrets("Incorrect API key provided: x. Bearer x refused", ["x"])).toBe("Incorrect API key provided: ***. Bearer *** refused");
    expect(redactSecrets('{"key":"ab1"} for xab1y', ["ab1"])).toBe('{"key":"***"} for xab1y');
    expect(redactSecrets("max tokens exceeded", ["x"])).toBe("max tokens exceeded");
  });
});
