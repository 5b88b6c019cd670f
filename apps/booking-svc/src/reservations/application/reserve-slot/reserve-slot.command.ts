export interface ReserveSlotCommand {
  patientId: string;
  providerId: string;
  serviceId: string;
  startTime: Date;
  endTime?: Date;
  idempotencyKey: string;
}
