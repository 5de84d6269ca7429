// Start screen: the three things people come for, one tap each.
import { h, screenTitle } from "../dom.js";
import { strings } from "../strings.js";

const S = strings.home;

export function render(main) {
  main.append(
    screenTitle(S.title),
    h("p", { text: S.intro }),
    h("ul", { class: "home-actions" },
      h("li", {}, h("a", { class: "button primary big", href: "#/haven", text: S.havenCta })),
      h("li", {}, h("a", { class: "button big", href: "#/route", text: S.routeCta })),
      h("li", {}, h("a", { class: "button big", href: "#/age", text: S.ageCta })),
      h("li", {}, h("a", { class: "button secondary big", href: "#/parents", text: S.parentsCta })),
      h("li", {}, h("a", { class: "button secondary big", href: "#/survey", text: S.surveyCta }))),
  );
}
