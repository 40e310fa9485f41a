// A text field's value once typing pauses: searches as you type without a request per keystroke.
import { useEffect, useState } from "react";

/** The value a text field settles on after `ms` without typing. */
export function useSettled(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
