interface SectionErrorsProps {
  id: string;
  messages: string[] | undefined;
}

/**
 * The server's word on a section's fields ("Postal code: Not a postal code of ..."), under
 * the section. The alert is always in the page, so screen readers announce what appears in it;
 * it can take focus when paying is refused because of it.
 */
export function SectionErrors({ id, messages }: SectionErrorsProps) {
  return (
    <div id={id} className="field-errors" role="alert" tabIndex={-1}>
      {messages && messages.length > 0 && (
        <ul className="field-errors__list">
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
