// The Create form's PFX profile follows the hosts that import a certificate of the chosen purpose, as "Create from
// entry" does (profileForPlacements): a VMM on Windows Server 2012 R2 cannot open a Modern (AES-256) PFX. The admin
// may still choose the other profile; the form then says why that will not import there.
import { useEffect, useMemo, useRef } from 'react';
import { profileForPlacements } from '../../../shared/pki/profile-choice';
import { useCerts, useStores, useWs } from '../context';

export function ProfileField() {
  const { certs } = useStores();
  const options = useCerts((s) => s.options);
  const purpose = useCerts((s) => s.form.purpose);
  const profile = useCerts((s) => s.form.profile);
  const workspace = useWs((s) => s.workspace);
  const suggestion = useMemo(() => {
    if (!workspace) return undefined;
    const entries = workspace.certificates.filter((c) => c.purpose === purpose);
    const picks = entries.map((c) => ({ id: c.id, ...profileForPlacements(c, workspace.hosts) }));
    return picks.find((p) => p.profile === 'legacy') ?? picks[0];
  }, [workspace, purpose]);
  // Follow the workspace until the admin picks a profile themselves (for this purpose).
  const chosenFor = useRef<string | null>(null);
  useEffect(() => {
    if (suggestion && chosenFor.current !== purpose && certs.getState().form.profile !== suggestion.profile)
      certs.getState().setForm({ profile: suggestion.profile });
  }, [certs, suggestion, purpose]);
  const mismatch = suggestion && suggestion.profile !== profile;
  return (
    <fieldset className="profile-field" data-testid="profile-field">
      <legend className="field-label">PFX profile</legend>
      {(['modern', 'legacy'] as const).map((p) => (
        <label key={p} className="radio-line">
          <input
            type="radio"
            name="profile"
            checked={profile === p}
            onChange={() => {
              chosenFor.current = purpose;
              certs.getState().setForm({ profile: p });
            }}
          />
          <span>
            <strong>{p === 'modern' ? 'Modern' : 'Legacy'}</strong>{' '}
            <span className="muted">{options?.profiles[p].windows.split('. ')[0]}.</span>
          </span>
        </label>
      ))}
      {suggestion && !mismatch && (
        <p className="muted small" data-testid="profile-reason">
          Follows the workspace ({suggestion.id}): {suggestion.reason}.
        </p>
      )}
      {mismatch && (
        <p className="banner warning small" data-testid="profile-mismatch">
          The workspace needs the {suggestion.profile === 'legacy' ? 'Legacy' : 'Modern'} profile for{' '}
          {suggestion.id}: {suggestion.reason}.
        </p>
      )}
    </fieldset>
  );
}
