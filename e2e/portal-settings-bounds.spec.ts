import { AUTO_CONFIRM_DAILY_CAP_BOUNDS, SETTING_BOUNDS } from '../apps/booking-svc/src/providers/domain/booking-settings.js';
import { SETTING_GROUPS } from '../apps/portal/src/provider/settings-fields.js';

/** The portal's settings form offers exactly the settings booking-svc enforces, with the same bounds (the server checks them again). */
describe('portal settings bounds', () => {
  it('match booking-svc’s', () => {
    const fields = SETTING_GROUPS.flatMap((group) => group.fields).filter((field) => field.kind === 'number');
    const portal = Object.fromEntries(fields.map((field) => [field.key, [field.min, field.max]]));
    expect(portal).toEqual({ ...SETTING_BOUNDS, 'autoConfirm.maxDailyAutoConfirm': [...AUTO_CONFIRM_DAILY_CAP_BOUNDS] });
  });
});
