"""What the member may do to the posts of one thread page, asked of app.access once per
page rather than five times per post: quoting and sending a private message are the
same for every post of a thread; editing and deleting belong to a post's author alone
(Forum.EDIT and Forum.DELETE require it), so they are asked only for the member's own
posts."""

from dataclasses import dataclass

from flask_login import current_user

from app.access import Forum, Messages, can
from app.blueprints.forum import bp
from app.domain import forum as rules


@dataclass(frozen=True)
class PostActions:
    user: object
    signed_in: bool
    quote: bool
    message: bool
    # The thread's last page, where a quote is answered (None: the thread has one page).
    quote_page: int | None

    def own(self, post) -> bool:
        return self.signed_in and post.author_id == self.user.id

    def edit(self, post) -> bool:
        return self.own(post) and can(self.user, Forum.EDIT, post)

    def delete(self, post) -> bool:
        return self.own(post) and can(self.user, Forum.DELETE, post)


@bp.app_template_global("post_actions")
def post_actions(thread) -> PostActions:
    user = current_user._get_current_object()
    signed_in = user.is_authenticated
    pages = rules.page_count(thread.post_count)
    return PostActions(
        user=user,
        signed_in=signed_in,
        quote=can(user, Forum.POST, thread),
        message=signed_in and can(user, Messages.START),
        quote_page=pages if pages > 1 else None,
    )
