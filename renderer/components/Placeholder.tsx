export function Placeholder({ title, issue, text }: { title: string; issue: string; text: string }) {
  return (
    <section className="screen placeholder" aria-label={title}>
      <header className="screen-head">
        <h1>{title}</h1>
        <span className="pill">Not available yet · arrives with {issue}</span>
      </header>
      <div className="placeholder-body">
        <p>{text}</p>
        <p className="muted">
          This screen is a placeholder: nothing here acts on your estate. Use the CLI for this capability
          until it lands.
        </p>
      </div>
    </section>
  );
}
