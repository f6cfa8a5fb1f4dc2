import { DEFAULT_GRADE_SCALE, orderGradeScale } from './mapping-context';

describe('orderGradeScale', () => {
  it('orders the default scale low to high: failing grades without points, letters by points, then P', () => {
    expect(orderGradeScale(DEFAULT_GRADE_SCALE)).toEqual([
      'NP',
      'W',
      'I',
      'IP',
      'F',
      'D-',
      'D',
      'D+',
      'C-',
      'C',
      'C+',
      'B-',
      'B',
      'B+',
      'A-',
      'A',
      'A+',
      'P',
    ]);
  });

  it('does not depend on the order a configuration declares its grades in', () => {
    const highFirst = {
      A: { points: 4, passing: true },
      B: { points: 3, passing: true },
      F: { points: 0, passing: false },
      P: { passing: true },
      W: { passing: false },
    };
    expect(orderGradeScale(highFirst)).toEqual(['W', 'F', 'B', 'A', 'P']);
  });

  it('orders numeric grade names by points, not by JavaScript key order', () => {
    const numeric = {
      '1': { points: 1, passing: true },
      '6': { points: 6, passing: false },
      '4': { points: 4, passing: true },
    };
    expect(orderGradeScale(numeric)).toEqual(['1', '4', '6']);
  });
});
