/** The display name on pre-join, with the error that says why Join refused it. */
import { MAX_DISPLAY_NAME } from '@merimeet/signaling/protocol';

interface NameFieldProps {
  input: { current: HTMLInputElement | null };
  name: string;
  error: string | null;
  setName: (name: string) => void;
}

export function NameField({ input, name, error, setName }: NameFieldProps) {
  return (
    <div class="field">
      <label for="pj-name">Your name</label>
      <input
        id="pj-name"
        ref={input}
        type="text"
        autoComplete="nickname"
        maxLength={MAX_DISPLAY_NAME}
        value={name}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? 'pj-name-error' : undefined}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      {error === null ? null : (
        <p id="pj-name-error" class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
