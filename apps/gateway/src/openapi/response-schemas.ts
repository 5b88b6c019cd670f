import { BOOKING_STATUS_VALUES } from '@bp/contracts';

type Schema = Record<string, unknown>;

const string = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const integer = { type: 'integer' };
const openObject = { type: 'object', additionalProperties: true };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The response bodies' `data`, as JSON Schema components of the OpenAPI document. They describe what
 * the owning services return (bookingView, providerView, paymentView, …); nested parts a client
 * does not need to model exactly stay open objects.
 */
export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Reservation: {
    type: 'object',
    required: ['id', 'providerId', 'patientId', 'serviceId', 'startTime', 'endTime', 'status', 'expiresAt'],
    properties: {
      id: string,
      providerId: string,
      patientId: string,
      serviceId: string,
      startTime: dateTime,
      endTime: dateTime,
      bufferMinutes: integer,
      status: { type: 'string', enum: ['active', 'converted', 'expired', 'released'] },
      expiresAt: dateTime,
      createdAt: dateTime,
    },
  },
  Booking: {
    type: 'object',
    required: ['id', 'bookingNumber', 'patientId', 'providerId', 'bookingType', 'status', 'service', 'dateTime', 'payment', 'version'],
    properties: {
      id: string,
      bookingNumber: { type: 'string', pattern: '^FH-\\d{8}-[0-9A-Z]{5}$' },
      patientId: string,
      providerId: string,
      reservationId: string,
      bookingType: { type: 'string', enum: ['instant', 'request'] },
      status: { type: 'string', enum: [...BOOKING_STATUS_VALUES] },
      service: {
        type: 'object',
        required: ['serviceId', 'name', 'durationMinutes', 'priceCents', 'currency'],
        properties: { serviceId: string, name: string, category: string, durationMinutes: integer, priceCents: integer, currency: string },
      },
      dateTime: {
        type: 'object',
        required: ['requestedStart', 'requestedEnd', 'providerTimezone', 'patientTimezone'],
        properties: {
          requestedStart: dateTime,
          requestedEnd: dateTime,
          confirmedStart: dateTime,
          confirmedEnd: dateTime,
          providerTimezone: string,
          patientTimezone: string,
          actualStart: dateTime,
          actualEnd: dateTime,
        },
      },
      localTimes: { type: 'object', description: 'Present when X-Timezone was sent', properties: { timezone: string, start: dateTime, end: dateTime } },
      confirmation: openObject,
      reschedule: openObject,
      payment: {
        type: 'object',
        required: ['status', 'originalAmountCents', 'platformFee'],
        properties: {
          status: {
            type: 'string',
            enum: ['pending', 'requires_action', 'held', 'capture_requested', 'captured', 'refunded', 'partial_refund', 'failed', 'cancelled'],
          },
          originalAmountCents: integer,
          capturedAmountCents: integer,
          refundedAmountCents: integer,
          cancellationFeeCents: integer,
          paymentIntentId: string,
          paymentMethodId: { type: 'string', description: 'The saved card this booking pays with (the patient’s default when absent)' },
          platformFee: openObject,
          action: {
            type: 'object',
            description:
              'While status is requires_action: the card’s bank asks the patient to authenticate (3-D Secure). clientSecret (the patient only) is for the app’s Stripe SDK (handleNextAction); after expiresAt the booking expires and frees its slot.',
            properties: { clientSecret: string, expiresAt: dateTime },
          },
          retryUntil: { ...dateTime, description: 'While payment_failed: the patient may pay again (retry-payment) until then' },
          failure: {
            type: 'object',
            description: 'Why the last attempt failed',
            properties: { code: string, message: { type: 'string', description: 'Text the app can show' } },
          },
        },
      },
      patientName: { type: 'string', description: 'The patient’s name from their identity token' },
      providerName: { type: 'string', description: 'The provider’s display name when the booking was made' },
      confirmedAt: dateTime,
      needsAdmin: { type: 'boolean', description: 'Something about the booking waits for an admin (admins only act on it)' },
      needsAdminSince: dateTime,
      needsAdminReason: string,
      cancellation: openObject,
      notes: openObject,
      version: integer,
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  BookingPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: ref('Booking') }, nextCursor: { type: 'string', nullable: true, description: 'null on the last page' } },
  },
  BookingList: { type: 'array', items: ref('Booking') },
  AuditEvent: {
    type: 'object',
    required: ['eventType', 'actor', 'timestamp'],
    properties: {
      eventType: string,
      previousStatus: string,
      newStatus: string,
      data: openObject,
      actor: { type: 'object', properties: { type: string, id: string } },
      context: openObject,
      timestamp: dateTime,
    },
  },
  AdminBooking: {
    allOf: [
      ref('Booking'),
      {
        type: 'object',
        properties: {
          audit: { type: 'array', items: ref('AuditEvent') },
          paymentRecord: { allOf: [ref('Payment')], nullable: true, description: 'null before payment-svc has one' },
        },
      },
    ],
  },
  Payment: {
    type: 'object',
    required: ['bookingId', 'status', 'currency', 'amountCents', 'capturedCents', 'refundedCents', 'refunds'],
    properties: {
      bookingId: string,
      bookingNumber: string,
      patientId: string,
      providerId: string,
      status: { type: 'string', enum: ['pending', 'held', 'captured', 'refunded', 'partial_refund', 'failed', 'cancelled'] },
      currency: string,
      amountCents: integer,
      capturedCents: integer,
      refundedCents: integer,
      platformFee: openObject,
      paymentIntentId: string,
      hold: openObject,
      captureDeferred: { type: 'boolean' },
      refunds: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            refundId: string,
            amountCents: integer,
            reason: string,
            initiatedBy: { type: 'string', enum: ['patient', 'provider', 'admin', 'system'] },
            createdAt: dateTime,
          },
        },
      },
      refusedRefunds: {
        type: 'array',
        description: 'Refunds Stripe refused (nothing was refunded): 422 REFUND_REFUSED when asked',
        items: {
          type: 'object',
          properties: {
            amountCents: integer,
            reason: string,
            initiatedBy: { type: 'string', enum: ['patient', 'provider', 'admin', 'system'] },
            code: string,
            message: string,
            refusedAt: dateTime,
          },
        },
      },
      disputes: {
        type: 'array',
        description: 'Cardholder disputes; while one is open refunds are refused (409 PAYMENT_DISPUTED) and an unsent payout is withheld',
        items: {
          type: 'object',
          properties: {
            disputeId: string,
            amountCents: integer,
            reason: string,
            status: { type: 'string', enum: ['open', 'won', 'lost'] },
            openedAt: dateTime,
            closedAt: dateTime,
          },
        },
      },
      failure: openObject,
      payout: openObject,
    },
  },
  PayoutAccount: {
    type: 'object',
    required: ['providerId', 'stripeAccountId'],
    properties: { providerId: string, stripeAccountId: string, updatedAt: dateTime, payoutsSent: integer },
  },
  CalendarConnection: {
    type: 'object',
    required: ['providerId', 'calendarProvider', 'status', 'connected', 'connectedAt'],
    properties: {
      providerId: string,
      calendarProvider: { type: 'string', enum: ['google', 'microsoft'] },
      status: { type: 'string', enum: ['connected', 'reauthorization_required', 'disconnected'] },
      connected: { type: 'boolean' },
      accountEmail: string,
      connectedAt: dateTime,
      disconnectedAt: dateTime,
      lastRefreshedAt: dateTime,
    },
  },
  CalendarEventSync: {
    type: 'object',
    required: ['bookingId', 'providerId', 'desired', 'status', 'attempts'],
    properties: {
      bookingId: string,
      providerId: string,
      bookingNumber: string,
      desired: { type: 'string', enum: ['present', 'absent'] },
      status: { type: 'string', enum: ['pending', 'synced', 'deleted', 'failed', 'not_applicable'] },
      calendarProvider: { type: 'string', enum: ['google', 'microsoft'] },
      externalEventId: string,
      eventLink: string,
      start: dateTime,
      end: dateTime,
      attempts: integer,
      lastError: string,
      nextAttemptAt: dateTime,
      updatedAt: dateTime,
    },
  },
  CalendarAuthorization: {
    type: 'object',
    required: ['calendarProvider', 'authorizationUrl', 'state', 'expiresAt'],
    properties: {
      calendarProvider: { type: 'string', enum: ['google', 'microsoft'] },
      authorizationUrl: { type: 'string', format: 'uri' },
      state: string,
      expiresAt: dateTime,
    },
  },
  Provider: {
    type: 'object',
    required: ['id', 'timezone', 'services', 'weeklyHours', 'settings', 'mode'],
    properties: {
      id: string,
      displayName: { type: 'string', description: 'The name patients and admins see' },
      timezone: string,
      services: { type: 'array', items: openObject },
      weeklyHours: openObject,
      overrides: { type: 'array', items: openObject },
      settings: openObject,
      stats: openObject,
      trustScore: openObject,
      mode: { type: 'string', enum: ['instant', 'request'] },
    },
  },
  ProviderProfile: {
    type: 'object',
    required: ['id', 'mode', 'bookable'],
    properties: {
      id: string,
      displayName: { type: 'string', nullable: true },
      mode: {
        type: 'string',
        enum: ['instant', 'request'],
        nullable: true,
        description: 'how the provider can be booked now; null when not at all (feature flags)',
      },
      bookable: { type: 'boolean' },
    },
    additionalProperties: true,
  },
  Availability: {
    type: 'object',
    description:
      'Free slots in UTC. Each slot is given once, as instants; render them in providerTimezone or requesterTimezone (IANA names) on the client. Every slot lasts durationMinutes.',
    required: ['providerId', 'serviceId', 'providerTimezone', 'requesterTimezone', 'durationMinutes', 'slots'],
    properties: {
      providerId: string,
      serviceId: string,
      providerTimezone: { type: 'string', description: 'The provider’s IANA time zone: their working hours are in it.' },
      requesterTimezone: { type: 'string', description: 'The zone asked for (X-Timezone or `timezone`), else the provider’s.' },
      durationMinutes: { type: 'integer', minimum: 1 },
      slots: {
        type: 'array',
        items: { type: 'object', required: ['start', 'end'], properties: { start: dateTime, end: dateTime }, additionalProperties: false },
      },
    },
  },
  FeatureFlag: {
    type: 'object',
    required: ['name', 'kind', 'default', 'description', 'value'],
    properties: {
      name: string,
      kind: { type: 'string', enum: ['boolean', 'percentage'] },
      default: { oneOf: [{ type: 'boolean' }, { type: 'integer' }] },
      description: string,
      value: { type: 'boolean', description: 'The global value (no provider context)' },
      setting: openObject,
    },
  },
  BookingHealth: {
    type: 'object',
    required: [
      'pendingCount',
      'expiringSoonCount',
      'expiredToday',
      'activeHoldsCount',
      'activeHoldsAmountCents',
      'holdsAging',
      'providerStats',
      'criticalAlerts',
    ],
    properties: {
      pendingCount: integer,
      expiringSoonCount: { type: 'integer', description: 'Requests whose confirmation deadline is within 4 hours' },
      expiredToday: integer,
      activeHoldsCount: integer,
      activeHoldsAmountCents: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Per currency' },
      holdsAging: {
        type: 'object',
        properties: { under24h: integer, days1to3: integer, days3to5: integer, days5to7: integer, over7days: integer },
      },
      capturesDeferred: integer,
      expiringWithin24h: integer,
      providerStats: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            providerId: string,
            providerName: { type: 'string', nullable: true },
            pendingCount: integer,
            avgResponseTimeMinutes: { type: 'number', nullable: true },
            confirmationRate: { type: 'number', nullable: true },
            expiredCount30d: integer,
          },
        },
      },
      needsAdmin: {
        type: 'object',
        description: 'Bookings flagged for an admin (GET /api/admin/bookings/needs-admin)',
        properties: { count: integer, oldestSince: { ...dateTime, nullable: true } },
      },
      criticalAlerts: { type: 'array', items: string },
      thresholds: {
        type: 'object',
        description: 'Above these counts a figure is critical (and listed in criticalAlerts); any held-up booking, old hold or deferred capture is too',
        properties: { pendingCount: integer, expiringSoonCount: integer, expiredToday: integer },
      },
      generatedAt: dateTime,
    },
  },
  NotificationPreferences: {
    type: 'object',
    required: ['pushTokens', 'locale', 'channels', 'quietHours', 'frequency'],
    properties: {
      email: string,
      phone: string,
      pushTokens: { type: 'array', items: string },
      locale: string,
      channels: { type: 'object', properties: { email: { type: 'boolean' }, push: { type: 'boolean' }, sms: { type: 'boolean' } } },
      quietHours: { type: 'object', properties: { enabled: { type: 'boolean' }, start: string, end: string, timezone: string } },
      frequency: {
        type: 'object',
        properties: { newBookingRequest: { type: 'string', enum: ['immediate', 'hourly', 'daily'] }, expiringReminder: { type: 'boolean' } },
      },
      contactVerification: {
        type: 'object',
        description: 'Each contact set (email, sms: the phone) and whether it is verified; nothing but its code is sent to one that is not',
        properties: { email: ref('ContactVerificationState'), sms: ref('ContactVerificationState') },
      },
    },
  },
  ContactVerificationState: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['verified', 'pending', 'unverified'], description: 'pending: a code is out and may be entered' },
      verifiedAt: dateTime,
      codeExpiresAt: dateTime,
      attemptsLeft: integer,
      resendAvailableAt: { ...dateTime, description: 'From when a new code may be asked for' },
    },
  },
  ContactVerification: {
    allOf: [{ type: 'object', required: ['channel'], properties: { channel: { type: 'string', enum: ['email', 'sms'] } } }, ref('ContactVerificationState')],
  },
  ParkedStripeEvents: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'type'],
      properties: { id: string, type: string, created: dateTime, receivedAt: dateTime, attempts: integer, lastError: string },
    },
  },
  StripeEventRedrive: { type: 'object', required: ['id', 'redriven'], properties: { id: string, redriven: { type: 'boolean' } } },
  CardSetup: {
    type: 'object',
    required: ['setupIntentId', 'clientSecret', 'customerId'],
    properties: {
      setupIntentId: string,
      clientSecret: { type: 'string', description: 'For the app’s Stripe SDK (confirmSetup); the card is saved to the patient when it succeeds' },
      customerId: string,
    },
  },
  SavedCards: {
    type: 'array',
    items: {
      type: 'object',
      required: ['paymentMethodId', 'brand', 'last4', 'expMonth', 'expYear', 'isDefault'],
      properties: { paymentMethodId: string, brand: string, last4: string, expMonth: integer, expYear: integer, isDefault: { type: 'boolean' } },
    },
  },
  NotificationDevices: {
    type: 'object',
    required: ['pushTokens'],
    properties: { pushTokens: { type: 'array', items: string, description: 'FCM registration tokens, oldest first' } },
  },
  BookingNotifications: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'channel', 'template', 'recipientRole', 'status', 'attempts'],
      properties: {
        id: string,
        channel: { type: 'string', enum: ['email', 'push', 'sms', 'digest'] },
        template: string,
        recipientRole: { type: 'string', enum: ['patient', 'provider'] },
        status: { type: 'string', enum: ['deferred', 'retrying', 'sending', 'sent', 'failed', 'skipped', 'collecting'] },
        attempts: integer,
        createdAt: dateTime,
        notBefore: { ...dateTime, description: 'When a held, retrying or collecting delivery goes out' },
        sentAt: dateTime,
        failedAt: dateTime,
        lastErrorCode: { type: 'string', description: 'The channel’s stable reason, like UNREGISTERED or TWILIO_21211' },
        skippedReason: { type: 'string', description: 'Why a skipped delivery was not sent: CONTACT_UNVERIFIED' },
      },
    },
  },
  FeatureFlagList: { type: 'array', items: ref('FeatureFlag') },
  FeatureFlagAccepted: {
    type: 'object',
    required: ['name', 'accepted'],
    properties: { name: string, enabled: { type: 'boolean' }, percentage: integer, accepted: { type: 'boolean' } },
  },
  DevSignIn: {
    type: 'object',
    description: 'Development only: not served with NODE_ENV=production',
    required: ['token', 'role', 'userId', 'expiresAt'],
    properties: { token: string, role: { type: 'string', enum: ['provider', 'admin'] }, userId: string, expiresAt: dateTime },
  },
};

export const ERROR_ENVELOPE: Schema = {
  type: 'object',
  required: ['success', 'error', 'meta'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', description: 'Stable machine-readable code' }, message: string, details: {} },
    },
    meta: ref('Meta'),
  },
};

export const META: Schema = {
  type: 'object',
  required: ['requestId', 'timestamp', 'version'],
  properties: { requestId: string, timestamp: dateTime, version: string },
};
