/**
 * Accessible form parts: every input has a label; an error sits under its field, tied to it by aria-describedby and
 * marked aria-invalid; the first field in error gets autofocus (the pages run no script). A form's other errors are
 * listed at its top in a role="alert" box that links to the fields.
 */
import type { FC } from 'hono/jsx';
import { FORM_TOKEN_FIELD } from '../csrf';
import { FORM_KEY_FIELD, newFormKey } from '../send-once';
import type { FormErrors } from '../forms';
import type { WebSession } from '../session';

/** Ids unique on the page: a form's `scope` keeps two forms' fields of the same name apart. */
const fieldId = (scope: string, name: string) => `${scope}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export const FormToken: FC<{ session: WebSession }> = ({ session }) => <input type="hidden" name={FORM_TOKEN_FIELD} value={session.formToken} />;

/** For forms that create something: a key that makes a second send of this very form replay the first (send-once.ts). */
export const FormKey: FC = () => <input type="hidden" name={FORM_KEY_FIELD} value={newFormKey()} />;

interface FieldProps {
  scope: string;
  name: string;
  label: string;
  errors: FormErrors;
  value?: string;
  hint?: string;
  required?: boolean;
}

function describe(props: FieldProps) {
  const id = fieldId(props.scope, props.name);
  const error = props.errors.fields[props.name];
  const described = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return {
    id,
    error,
    control: {
      id,
      name: props.name,
      required: props.required,
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': described || undefined,
      autofocus: props.errors.first === props.name,
    },
  };
}

const Hint: FC<{ id: string; text?: string }> = ({ id, text }) => (text ? <p class="hint" id={`${id}-hint`}>{text}</p> : null);
const FieldError: FC<{ id: string; text?: string }> = ({ id, text }) => (text ? <p class="error" id={`${id}-error`}>{text}</p> : null);

export const TextField: FC<FieldProps & { type?: string; autocomplete?: string; inputmode?: 'decimal' | 'numeric' | 'email' | 'text'; step?: string; min?: string }> = (props) => {
  const { id, error, control } = describe(props);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <Hint id={id} text={props.hint} />
      <input
        {...control}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        step={props.step}
        min={props.min}
      />
      <FieldError id={id} text={error} />
    </div>
  );
};

export const TextArea: FC<FieldProps & { rows?: number }> = (props) => {
  const { id, error, control } = describe(props);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <Hint id={id} text={props.hint} />
      <textarea {...control} rows={props.rows ?? 4}>
        {props.value ?? ''}
      </textarea>
      <FieldError id={id} text={error} />
    </div>
  );
};

export const Select: FC<FieldProps & { options: { value: string; label: string }[] }> = (props) => {
  const { id, error, control } = describe(props);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <Hint id={id} text={props.hint} />
      <select {...control}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} text={error} />
    </div>
  );
};

/** Radio buttons in a fieldset whose legend names the choice; the error is tied to the group. */
export const RadioGroup: FC<FieldProps & { options: { value: string; label: string }[] }> = (props) => {
  const id = fieldId(props.scope, props.name);
  const error = props.errors.fields[props.name];
  return (
    <fieldset class="field" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{props.label}</legend>
      {props.options.map((o, index) => (
        <label>
          <input
            type="radio"
            name={props.name}
            value={o.value}
            id={index === 0 ? id : undefined}
            checked={o.value === props.value}
            required={props.required}
            aria-invalid={error ? 'true' : undefined}
            autofocus={index === 0 && props.errors.first === props.name}
          />
          {o.label}
        </label>
      ))}
      <FieldError id={id} text={error} />
    </fieldset>
  );
};

/** The form's errors that belong to no field, and links to those that do. Autofocus goes to the first field instead. */
export const ErrorSummary: FC<{ scope: string; errors: FormErrors; labels?: Record<string, string> }> = ({ scope, errors, labels }) => {
  const onFields = Object.entries(errors.fields);
  if (errors.summary.length === 0 && onFields.length === 0) return null;
  return (
    <div class="alert" role="alert" id={`${scope}-errors`}>
      <p>
        <strong>{onFields.length + errors.summary.length === 1 ? 'There is a problem' : 'There are problems'}</strong>
      </p>
      <ul>
        {errors.summary.map((message) => (
          <li>{message}</li>
        ))}
        {onFields.map(([name, message]) => (
          <li>
            <a href={`#${fieldId(scope, name)}`}>
              {labels?.[name] ?? name}: {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
};
