import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en, ru } from '../../src/renderer/i18n/resources.ts';
import type { Schedule } from '../../src/shared/jobs.ts';
import {
  describePlan,
  describeRetention,
  describeSchedule,
  schedulePresets,
} from '../../src/renderer/wizard/wording.ts';

let tEn: TFunction;
let tRu: TFunction;
beforeAll(async () => {
  const make = async (lng: 'en' | 'ru') => {
    const instance = i18next.createInstance();
    await instance.init({
      resources: { en: { translation: en }, ru: { translation: ru } },
      lng,
      interpolation: { escapeValue: false },
    });
    return instance.t;
  };
  tEn = await make('en');
  tRu = await make('ru');
});

describe('schedules in words', () => {
  it.each([
    [{ kind: 'daily', at: '19:00' }, 'Every day at 19:00', 'Каждый день в 19:00'],
    [{ kind: 'hourly', every: 1 }, 'Every hour', 'Каждый час'],
    [{ kind: 'hourly', every: 4 }, 'Every 4 hours', 'Каждые 4 ч'],
    [
      { kind: 'weekly', days: [1, 2, 3, 4, 5], at: '19:00' },
      'Every weekday (Monday to Friday) at 19:00',
      'По будням (с понедельника по пятницу) в 19:00',
    ],
    [
      { kind: 'weekly', days: [5, 1], at: '08:30' },
      'Every Monday and Friday at 08:30',
      'По дням недели: понедельник и пятница, в 08:30',
    ],
    [
      { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], at: '02:00' },
      'Every day at 02:00',
      'Каждый день в 02:00',
    ],
    [{ kind: 'manual' }, 'Only when you start it yourself', 'Только когда вы запускаете сами'],
  ] as [Schedule, string, string][])('%j', (schedule, english, russian) => {
    expect(describeSchedule(schedule, tEn, 'en')).toBe(english);
    expect(describeSchedule(schedule, tRu, 'ru')).toBe(russian);
  });

  it('names every preset differently', () => {
    const names = schedulePresets.map((p) => describeSchedule(p.schedule, tEn, 'en'));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('retention in words', () => {
  it('reads the presets as the engine applies them', () => {
    expect(describeRetention({ kind: 'preset', preset: 'compact' }, tEn, 'en')).toBe(
      'keep 7 daily and 4 weekly versions',
    );
    expect(describeRetention({ kind: 'preset', preset: 'standard' }, tEn, 'en')).toBe(
      'keep 24 hourly, 7 daily, 4 weekly, 12 monthly, and 3 yearly versions',
    );
    expect(describeRetention({ kind: 'preset', preset: 'long' }, tEn, 'en')).toBe(
      'keep 48 hourly, 30 daily, 12 weekly, 24 monthly, and all yearly versions',
    );
    expect(describeRetention({ kind: 'keep-all' }, tEn, 'en')).toBe('keep every version');
    expect(describeRetention({ kind: 'preset', preset: 'compact' }, tRu, 'ru')).toBe(
      'хранить версии: 7 ежедневных и 4 еженедельных',
    );
  });

  it('reads custom rules, leaving out what is not set', () => {
    expect(
      describeRetention(
        { kind: 'custom', keepLast: 3, keepDaily: 7, keepMonthly: 0, keepWithin: '1y' },
        tEn,
        'en',
      ),
    ).toBe('keep the last 3, 7 daily, and everything from the last 1y versions');
    expect(describeRetention({ kind: 'custom' }, tEn, 'en')).toBe('keep every version');
  });

  it('joins schedule and retention into one sentence', () => {
    expect(
      describePlan({ kind: 'daily', at: '19:00' }, { kind: 'preset', preset: 'compact' }, tEn, 'en'),
    ).toBe('Every day at 19:00, keep 7 daily and 4 weekly versions');
  });
});
