#[derive(fsql::Enum)]
pub struct NotAnEnum {
    pub x: i32,
}

#[derive(fsql::Enum, Debug)]
#[fsql(nativ)]
pub enum Unknown {
    A,
}

#[derive(fsql::Enum, Debug)]
pub enum WithData {
    Point(i32, i32),
    Named { x: i32 },
}

#[derive(fsql::Enum, Debug)]
pub enum Clash {
    Open,
    #[fsql(rename = "Open")]
    Reopened,
    #[fsql(renam = "x")]
    Typo,
    #[fsql(rename = "")]
    Blank,
}

#[derive(fsql::Enum, Debug)]
pub enum Empty {}

fn main() {}
