// Field errors of the page's forms: the message next to the field, the field marked invalid.
import { el } from './render.js';

/** Shows `message` under the field wrapper (`[data-field]`) and marks its input invalid. */
export function fieldError(wrapper, message) {
  wrapper.classList.add('invalid');
  wrapper.append(el('p', { class: 'field-error' }, message));
  wrapper.querySelector('input, textarea, select')?.setAttribute('aria-invalid', 'true');
}

/** Removes the field errors inside `root`, and hides and empties its `.form-errors` summary. */
export function clearFieldErrors(root) {
  root.querySelectorAll('.form-errors').forEach((box) => {
    box.hidden = true;
    box.replaceChildren();
  });
  root.querySelectorAll('.field-error').forEach((node) => node.remove());
  root.querySelectorAll('.invalid').forEach((node) => node.classList.remove('invalid'));
  root.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
}
