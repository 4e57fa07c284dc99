use fsql::prelude::*;

#[derive(Mixin)]
#[fsql(bind = "auth")]
pub struct AuthStamp {
    pub issued: i64,
}

#[derive(Mixin)]
#[fsql(bind = "analytics")]
pub struct AnalyticsStamp {
    pub seen: i64,
}

// Two mixins, two binds, and none of the model's own.
#[fsql::mixin(AuthStamp, AnalyticsStamp)]
#[derive(Model)]
pub struct Token {
    #[fsql(primary_key)]
    pub id: i32,
}

fn main() {}
