/**
 * `memo` for preact without preact/compat: the wrapped component re-renders
 * only when a prop changes (shallowly), or when its own state or
 * subscriptions ask. Same shape as compat's memo (a function component
 * given a shouldComponentUpdate), minus ref forwarding, which no caller uses.
 */
import { createElement, type Component, type FunctionComponent } from 'preact';
import { shallowEqual } from './call-selectors.js';

export function memo<P extends object>(inner: FunctionComponent<P>, isEqual: (a: P, b: P) => boolean = shallowEqual): FunctionComponent<P> {
  function Memo(this: Component<P>, props: P) {
    this.shouldComponentUpdate = (next: P) => !isEqual(this.props, next);
    return createElement(inner, props);
  }
  Memo.displayName = `Memo(${inner.displayName ?? inner.name})`;
  return Memo;
}
