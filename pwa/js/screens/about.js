// About: data attributions of each area pack and the privacy notice.
import { h, clear, status, screenTitle, monthOrDate } from "../dom.js";
import { areas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { renderMarkdown } from "../markdown.js";
import { VERSION } from "../version.js";

const S = strings.about;

async function text(path) {
  const res = await fetch(path, { headers: { Accept: "text/markdown, text/plain, application/json" } });
  if (!res.ok) throw new Error(String(res.status));
  const type = res.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    const data = await res.json();
    return data.markdown || data.text || data.body_markdown || data.attribution || "";
  }
  return res.text();
}

async function firstText(paths) {
  for (const p of paths) {
    try {
      const t = await text(p);
      if (t && t.trim()) return t;
    } catch (err) {
      /* try the next place */
    }
  }
  return null;
}

export async function render(main) {
  const data = h("div", { class: "attributions" }, status(strings.loading));
  const privacy = h("div", { class: "privacy" });
  main.append(
    screenTitle(S.title),
    h("p", { text: S.intro }),
    h("h2", { text: S.dataTitle }),
    data,
    h("h2", { id: "privacy", text: S.privacyTitle }),
    privacy,
    h("p", {}, h("a", { href: "#/safe-place", id: "become-safe-place", text: strings.safePlace.link })),
    h("p", {}, h("a", { href: "#/staff", text: S.staff })),
    h("p", { class: "hint", text: S.version(VERSION) }),
  );
  try {
    const list = areaList(await areas());
    clear(data);
    for (const area of list) {
      const section = h("details", { class: "card" }, h("summary", { text: S.area(area.name, monthOrDate(area.data_as_of)) }));
      const attribution = area.attribution_markdown || area.attribution
        || (await firstText([`/api/v1/areas/${encodeURIComponent(area.slug)}/attribution`]));
      if (attribution) section.append(renderMarkdown(attribution));
      for (const src of attribution ? [] : area.sources || []) {
        const label = typeof src === "string" ? src : [src.name, src.licence || src.license, src.attribution].filter(Boolean).join(": ");
        if (label) section.append(h("p", { class: "hint", text: label }));
      }
      data.append(section);
    }
  } catch (err) {
    clear(data).append(status(err.message, "warn"));
  }
  const notice = await firstText(["/api/v1/privacy", "/vendor/privacy.md"]);
  privacy.append(notice ? renderMarkdown(notice) : h("p", { text: S.privacyFallback }));
}
