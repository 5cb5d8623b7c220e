import { describe, expect, it } from 'vitest';
import { describeJavaRange, javaInRange } from '../../../../../src/targets/local/install/index.js';

describe('Java version range', () => {
  it('takes a release from minMajor up, and up to maxMajor when one is given', () => {
    expect(javaInRange(24, { minMajor: 24 })).toBe(true);
    expect(javaInRange(25, { minMajor: 24 })).toBe(true);
    expect(javaInRange(17, { minMajor: 24 })).toBe(false);
    // Spark 4.0: its Hadoop needs Subject.getSubject, gone in Java 23+.
    expect(javaInRange(17, { minMajor: 17, maxMajor: 21 })).toBe(true);
    expect(javaInRange(21, { minMajor: 17, maxMajor: 21 })).toBe(true);
    expect(javaInRange(25, { minMajor: 17, maxMajor: 21 })).toBe(false);
    expect(javaInRange(11, { minMajor: 17, maxMajor: 21 })).toBe(false);
  });

  it('says the range as a person reads it', () => {
    expect(describeJavaRange({ minMajor: 24 })).toBe('24+');
    expect(describeJavaRange({ minMajor: 17, maxMajor: 21 })).toBe('17 to 21');
    expect(describeJavaRange({ minMajor: 21, maxMajor: 21 })).toBe('21');
  });
});
