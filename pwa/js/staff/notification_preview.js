// What a phone shows for a notice, drawn live from the title and message boxes.
import { h, clear } from "../dom.js";
import { strings } from "../strings.js";

const C = strings.console;

export function notificationPreview(title, body) {
  const box = h("div", { class: "notification-preview", role: "img", "aria-label": C.preview });
  const update = () => {
    clear(box);
    if (!title.value.trim() && !body.value.trim()) {
      box.append(h("p", { class: "hint", text: C.previewEmpty }));
      return;
    }
    box.append(h("img", { src: "/icons/icon-192.png", alt: "" }),
      h("div", {}, h("div", { class: "np-app", text: strings.appName }), h("div", { class: "np-title", text: title.value }),
        h("div", { class: "np-body", text: body.value })));
    box.setAttribute("aria-label", `${C.preview}: ${title.value}. ${body.value}`);
  };
  title.addEventListener("input", update);
  body.addEventListener("input", update);
  update();
  return box;
}
