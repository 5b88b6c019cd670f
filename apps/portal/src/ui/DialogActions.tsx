/** A dialog form's two buttons: its action (showing progress) and Cancel. */
export function DialogActions({
  label,
  pendingLabel,
  pending,
  onCancel,
  danger = false,
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  onCancel: () => void;
  danger?: boolean;
}) {
  return (
    <div className="actions">
      <button type="submit" className={`button ${danger ? 'danger' : 'primary'}`} disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
